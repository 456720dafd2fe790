// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IToken} from "../../interfaces/erc3643/IToken.sol";

/// @title BondRedemption — redemption of a bond at maturity for its face value.
/// @notice Maturing requires this contract to hold face value × total supply of the
/// denomination asset. Holders then redeem: the bond is burnt (this contract holds the
/// token's supply-management role) and the face value paid. Only the holder, or an
/// operator the holder approved here, can trigger its redemption.
contract BondRedemption is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    error InvalidConfig();
    error NotYetMaturityDate(uint256 maturityDate);
    error AlreadyMatured();
    error NotMatured();
    error RedemptionShortfall(uint256 required, uint256 available);
    error NotHolderOrOperator(address holder, address caller);
    error ZeroAmount();
    error HolderFrozen(address holder);
    error InsufficientUnfrozenBalance(address holder, uint256 available, uint256 requested);

    event BondMatured(uint256 supply, uint256 coverage);
    event BondRedeemed(address indexed holder, address indexed caller, uint256 amount, uint256 payout);
    event OperatorSet(address indexed holder, address indexed operator, bool approved);
    event ExcessWithdrawn(address indexed to, uint256 amount);

    IToken public immutable bond;
    IERC20 public immutable denominationAsset;
    /// @notice Denomination units per whole bond (10**decimals base units).
    uint256 public immutable faceValue;
    uint256 public immutable maturityDate;
    uint256 private immutable _unit;

    bool public matured;
    mapping(address holder => mapping(address operator => bool)) public isOperator;

    constructor(address bond_, address denominationAsset_, uint256 faceValue_, uint256 maturityDate_, address owner_)
        Ownable(owner_)
    {
        if (bond_ == address(0) || denominationAsset_ == address(0) || faceValue_ == 0) revert InvalidConfig();
        bond = IToken(bond_);
        denominationAsset = IERC20(denominationAsset_);
        faceValue = faceValue_;
        maturityDate = maturityDate_;
        _unit = 10 ** IERC20Metadata(bond_).decimals();
    }

    function payoutFor(uint256 amount) public view returns (uint256) {
        return amount * faceValue / _unit;
    }

    /// @notice Denomination needed to redeem the whole outstanding supply.
    function requiredCoverage() public view returns (uint256) {
        uint256 supply = bond.totalSupply();
        return (supply * faceValue + _unit - 1) / _unit;
    }

    function mature() external onlyOwner {
        if (block.timestamp < maturityDate) revert NotYetMaturityDate(maturityDate);
        if (matured) revert AlreadyMatured();
        uint256 required = requiredCoverage();
        uint256 available = denominationAsset.balanceOf(address(this));
        if (available < required) revert RedemptionShortfall(required, available);
        matured = true;
        emit BondMatured(bond.totalSupply(), available);
    }

    function setOperator(address operator, bool approved) external {
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
    }

    function redeem(address holder, uint256 amount) external nonReentrant returns (uint256 payout) {
        if (!matured) revert NotMatured();
        if (msg.sender != holder && !isOperator[holder][msg.sender]) revert NotHolderOrOperator(holder, msg.sender);
        if (amount == 0) revert ZeroAmount();
        // The token's burn would release frozen tokens; a redemption must not.
        if (bond.isFrozen(holder)) revert HolderFrozen(holder);
        uint256 balance = bond.balanceOf(holder);
        uint256 frozen = bond.getFrozenTokens(holder);
        uint256 free = balance > frozen ? balance - frozen : 0;
        if (amount > free) revert InsufficientUnfrozenBalance(holder, free, amount);
        payout = payoutFor(amount);
        emit BondRedeemed(holder, msg.sender, amount, payout);
        bond.burn(holder, amount);
        denominationAsset.safeTransfer(holder, payout);
    }

    /// @notice Anything above what the outstanding supply needs goes back to the issuer.
    function withdrawExcess(address to) external onlyOwner nonReentrant {
        uint256 balance = denominationAsset.balanceOf(address(this));
        uint256 required = requiredCoverage();
        uint256 amount = balance > required ? balance - required : 0;
        if (amount == 0) revert ZeroAmount();
        emit ExcessWithdrawn(to, amount);
        denominationAsset.safeTransfer(to, amount);
    }
}
