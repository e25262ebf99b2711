import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES, StaffRole } from '@vigil/domain';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@vigil/identity';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { LANGUAGE_TAG, Trim } from './trim';

export class LoginDto {
  @ApiProperty({ example: 'admin@vigil.local' })
  @Trim()
  @IsString()
  @Length(1, 254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 1024)
  password: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: STAFF_ROLES, isArray: true }) roles: StaffRole[];
  @ApiProperty({ type: [String] }) languages: string[];
  @ApiProperty() disabled: boolean;
  @ApiProperty() createdAt: string;
}

export class LoginResultDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expiresIn: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}

export class CreateUserDto {
  @ApiProperty()
  @Trim()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty()
  @Trim()
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(STAFF_ROLES.length)
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];

  @ApiPropertyOptional({ type: [String], example: ['ar', 'en'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(LANGUAGE_TAG, { each: true, message: 'each language must be a BCP 47 tag' })
  languages?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(STAFF_ROLES.length)
  @IsIn(STAFF_ROLES, { each: true })
  roles?: StaffRole[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(LANGUAGE_TAG, { each: true, message: 'each language must be a BCP 47 tag' })
  languages?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
